package dev.upstreamguard.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upstreamguard.core.classify.FailureKind;
import org.junit.jupiter.api.Test;

class WordingTest {

    @Test
    void prohibitedDestinationReadsAsUnreachableWithFirewallAdviceForTheOwner() {
        FailureKind kind = FailureKind.DESTINATION_IP_PROHIBITED;
        assertThat(Wording.headline(kind, 502)).isEqualTo("This site could not reach a service it depends on");
        assertThat(Wording.upstreamState(kind, 502)).isEqualTo("Unreachable");
        assertThat(Wording.siteFailed(kind, 502)).isFalse();
        assertThat(Wording.ownerAdvice(kind, 502))
                .contains("forbids connecting")
                .contains("firewall rules and routes")
                .isNotEqualTo(Wording.ownerAdvice(FailureKind.DESTINATION_IP_UNROUTABLE, 502));
    }
}
