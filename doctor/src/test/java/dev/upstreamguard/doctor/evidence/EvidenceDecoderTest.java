package dev.upstreamguard.doctor.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import dev.upstreamguard.doctor.Hop;
import dev.upstreamguard.doctor.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EvidenceDecoderTest {
    private final EvidenceDecoder decoder = new EvidenceDecoder();

    @ParameterizedTest(name = "{0} -> {1} at {2}")
    @CsvSource(delimiter = '|', textBlock = """
        2024/05/01 10:00:00 [error] 12#12: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8080/", host: "a" | connection_refused | WEB_APPLICATION | nginx
        2024/05/01 10:00:00 [error] 12#12: *5 upstream timed out (110: Connection timed out) while connecting to upstream, client: 1.2.3.4 | connection_timeout | WEB_APPLICATION | nginx
        2024/05/01 10:00:00 [error] 12#12: *5 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 1.2.3.4 | http_response_timeout | WEB_APPLICATION | nginx
        [error] 7#7: *1 upstream prematurely closed connection while reading response header from upstream, client: x | connection_terminated | WEB_APPLICATION | nginx
        [error] 7#7: *1 upstream prematurely closed connection while reading upstream, client: x | http_response_incomplete | WEB_APPLICATION | nginx
        [error] 7#7: *1 no live upstreams while connecting to upstream, client: x | destination_unavailable | REVERSE_PROXY | nginx
        [error] 7#7: *1 upstream sent too big header while reading response header from upstream, client: x | http_response_header_section_size | WEB_APPLICATION | nginx
        [error] 7#7: *1 upstream sent invalid chunked response while reading upstream, client: x | http_response_transfer_coding | WEB_APPLICATION | nginx
        [error] 7#7: *1 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: x | connection_terminated | WEB_APPLICATION | nginx
        [error] 7#7: *1 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream, client: x | tls_protocol_error | WEB_APPLICATION | nginx
        [error] 7#7: *1 upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream, client: x | tls_certificate_error | WEB_APPLICATION | nginx
        SH-- | connection_terminated | WEB_APPLICATION | haproxy
        sH-- | http_response_timeout | WEB_APPLICATION | haproxy
        SC-- | connection_refused | WEB_APPLICATION | haproxy
        sC-- | connection_timeout | WEB_APPLICATION | haproxy
        SD-- | http_response_incomplete | WEB_APPLICATION | haproxy
        sD-- | http_response_timeout | WEB_APPLICATION | haproxy
        PH-- | http_protocol_error | WEB_APPLICATION | haproxy
        sQ-- | connection_limit_reached | REVERSE_PROXY | haproxy
        127.0.0.1:4242 [01/May/2024:10:00:00.000] fe be/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET / HTTP/1.1" | destination_unavailable | REVERSE_PROXY | haproxy
        UF | connection_refused | WEB_APPLICATION | envoy
        UT | http_response_timeout | WEB_APPLICATION | envoy
        UC | connection_terminated | WEB_APPLICATION | envoy
        UR | connection_terminated | WEB_APPLICATION | envoy
        UH | destination_unavailable | WEB_APPLICATION | envoy
        URX,UF | connection_refused | WEB_APPLICATION | envoy
        UO | connection_limit_reached | REVERSE_PROXY | envoy
        LR | connection_timeout | REVERSE_PROXY | envoy
        UPE | http_protocol_error | WEB_APPLICATION | envoy
        DF | dns_error | REVERSE_PROXY | envoy
        [2024-05-01T10:00:00.000Z] "GET /api HTTP/1.1" 503 UF 0 91 3 - "-" "curl/8" "id" "example" "10.0.0.1:80" | connection_refused | WEB_APPLICATION | envoy
        https 2024-05-01T10:00:00.123456Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 -1 -1 502 - 34 366 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:1:targetgroup/t/1 "Root=1-58337262" "www.example.com" "arn:aws:acm:us-east-2:1:certificate/1" 0 2024-05-01T10:00:00.000000Z "forward" "-" "-" "10.0.0.1:80" "-" "-" "-" | connection_terminated | WEB_APPLICATION | aws-alb
        elb_status_code=504 target_status_code=- | http_response_timeout | WEB_APPLICATION | aws-alb
        elb_status_code=503 target_status_code=- | destination_unavailable | LOAD_BALANCER | aws-alb
        "statusDetails": "backend_connection_closed_before_data_sent_to_client" | connection_terminated | WEB_APPLICATION | gcp-lb
        statusDetails=backend_timeout | http_response_timeout | WEB_APPLICATION | gcp-lb
        failed_to_pick_backend | destination_unavailable | LOAD_BALANCER | gcp-lb
        Error 521 | connection_refused | REVERSE_PROXY | cloudflare
        error code: 522 | connection_timeout | REVERSE_PROXY | cloudflare
        524 | http_response_timeout | REVERSE_PROXY | cloudflare
        526 | tls_certificate_error | REVERSE_PROXY | cloudflare
        upstream-guard; error=connection_refused; details="connect to 127.0.0.1:1 refused" | connection_refused | UPSTREAM | proxy-status
        Proxy-Status: upstream-guard; error=destination_unavailable; details="circuit breaker open" | destination_unavailable | CLIENT_POOL | proxy-status
        """)
    void decodesDocumentedEvidence(String line, String errorType, Hop hop, String source) {
        Explanation e = decoder.explain(line);
        assertThat(e.source()).isEqualTo(source);
        assertThat(e.errorType()).isEqualTo(errorType);
        assertThat(e.hop()).isEqualTo(hop);
        assertThat(e.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(e.fix()).isNotBlank();
    }

    @Test
    void receivedStatusInProxyStatusBlamesTheUpstreamsOwnAnswer() {
        Explanation e = decoder.explain("upstream-guard; received-status=503");
        assertThat(e.kind()).isEqualTo(FailureKind.UPSTREAM_STATUS);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.hop()).isEqualTo(Hop.UPSTREAM);
    }

    @Test
    void clientSideTerminationsAreNotServerFailures() {
        assertThat(decoder.explain("cD--").verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(decoder.explain("cD--").hop()).isEqualTo(Hop.CLIENT);
        assertThat(decoder.explain("CH--").hop()).isEqualTo(Hop.CLIENT);
        assertThat(decoder.explain("----").verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void albTargetThatAnsweredAnErrorIsItsOwnFailure() {
        Explanation e = decoder.explain("elb_status_code=500 target_status_code=500");
        assertThat(e.kind()).isEqualTo(FailureKind.UPSTREAM_STATUS);
        assertThat(e.hop()).isEqualTo(Hop.WEB_APPLICATION);
    }

    @Test
    void unknownInputSaysSo() {
        Explanation e = decoder.explain("the quick brown fox");
        assertThat(e.recognized()).isFalse();
        assertThat(e.source()).isEqualTo("unknown");
        assertThat(e.cause()).contains("does not recognise");
        assertThat(decoder.explain("").recognized()).isFalse();
        assertThat(decoder.explain("statusDetails=some_new_value_here").source()).isEqualTo("gcp-lb");
        assertThat(decoder.explain("statusDetails=some_new_value_here").hop()).isNull();
    }

    @Test
    void hostileInputNeverReachesTheOutput() {
        String hostile = "\u001b[2J\u001b[31mupstream timed out (110: x\r\nFAKE) while reading response header from "
                + "upstream\u0000\u2028" + "A".repeat(5_000_000);
        Explanation e = decoder.explain(hostile);
        for (String field : new String[] {e.source(), e.evidence(), e.cause(), e.fix()}) {
            assertThat(field.chars().noneMatch(c -> Character.isISOControl(c) || c == 0x2028)).isTrue();
            assertThat(field.length()).isLessThan(1_000);
        }
        Explanation unknown = decoder.explain("\u001b]0;title\u0007" + "x".repeat(100_000));
        assertThat(unknown.recognized()).isFalse();
        assertThat(unknown.evidence().chars().noneMatch(Character::isISOControl)).isTrue();
        assertThat(unknown.evidence().length()).isLessThan(200);
    }

    @Test
    void noDecoderThrowsOnPathologicalLines() {
        Decoder[] decoders = {new ProxyStatusDecoder(), new NginxDecoder(), new EnvoyDecoder(), new HaproxyDecoder(),
            new AlbDecoder(), new GcpDecoder(), new CloudflareDecoder()};
        String[] lines = {"a;".repeat(8_000), "\"".repeat(16_000), "S".repeat(16_000), "U,".repeat(8_000),
            "statusDetails=" + "a_".repeat(8_000), "upstream-guard" + "; a=\"".repeat(3_000),
            "elb_status_code=" + "5".repeat(16_000), "connect() to " + "x".repeat(16_000) + " failed (1",
            "https 2024-05-01T10:00:00Z " + "\" ".repeat(5_000)};
        for (Decoder d : decoders) {
            for (String line : lines) {
                String clean = Text.clean(line);
                org.assertj.core.api.Assertions.assertThatCode(() -> d.decode(clean))
                        .as(d.getClass().getSimpleName()).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void pathologicalLinesAreDecodedQuickly() {
        String[] lines = {"a;".repeat(8_000), "\"".repeat(16_000), "S".repeat(16_000), "U,".repeat(8_000),
            "statusDetails=" + "a_".repeat(8_000), "upstream-guard" + "; a=\"".repeat(3_000)};
        long start = System.nanoTime();
        for (String line : lines) {
            decoder.explain(line);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }
}
