package dev.upstreamguard.examples.kitsample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A shop's price API that depends on one upstream, {@code prices}: the application the kit's guide tests. */
@SpringBootApplication
public class PriceApplication {
    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(PriceApplication.class, args);
    }
}
