package dev.upstreamguard.reliability.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Throw-away certificates made with openssl (fast) for the TLS cases: the upstream's CA and a middlebox's CA, and
 * leaf key stores signed by them: {@code upstream.p12} (valid for 127.0.0.1), {@code middlebox.p12} (the same
 * names, signed by the middlebox's CA), {@code expired.p12}, {@code mismatch.p12} (only other.test), plus
 * {@code upstream.pem} for openssl's own server and {@code trust.p12} (the upstream CA only) made by keytool.
 */
final class Certificates {
    private Certificates() {
    }

    static void generate(Path dir) throws IOException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String script = String.join("\n",
                "set -euo pipefail",
                "cd '" + dir + "'",
                "ca() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $1.key"
                        + " -out $1.pem -subj \"/CN=$2\" -days 2 -addext basicConstraints=critical,CA:TRUE"
                        + " 2>/dev/null; }",
                "leaf() { # name ca san days",
                "  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $1.key -subj"
                        + " \"/CN=$1\" -out $1.csr 2>/dev/null",
                "  printf 'subjectAltName=%s\\n' \"$3\" > $1.ext",
                "  openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -days $4 -extfile $1.ext"
                        + " -out $1.crt 2>/dev/null",
                "  openssl pkcs12 -export -inkey $1.key -in $1.crt -certfile $2.pem -passout pass:changeit"
                        + " -out $1.p12",
                "  cat $1.key $1.crt > $1.pem",
                "}",
                "ca upstream-ca 'Upstream Test CA'",
                "ca middlebox-ca 'Intercepting Middlebox CA'",
                "leaf upstream upstream-ca 'IP:127.0.0.1,DNS:api.test' 2",
                "leaf middlebox middlebox-ca 'IP:127.0.0.1,DNS:api.test' 2",
                "leaf expired upstream-ca 'IP:127.0.0.1,DNS:api.test' -1",
                "leaf mismatch upstream-ca 'DNS:other.test' 2",
                "'" + keytool + "' -importcert -noprompt -alias ca -file upstream-ca.pem -keystore trust.p12"
                        + " -storetype PKCS12 -storepass changeit >/dev/null");
        Netns.run(List.of("bash", "-c", script), 60);
    }
}
