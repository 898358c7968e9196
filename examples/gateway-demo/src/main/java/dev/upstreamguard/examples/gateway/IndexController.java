package dev.upstreamguard.examples.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code GET /}: the {@link IndexPage}, with the counts read from the meters at that moment. */
@RestController
class IndexController {
    private final MeterRegistry registry;
    private final boolean builtIn;

    IndexController(ObjectProvider<MeterRegistry> registry, ObjectProvider<BuiltInUpstream> builtIn) {
        this.registry = registry.getIfUnique(SimpleMeterRegistry::new);
        this.builtIn = builtIn.getIfAvailable() != null;
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> index(HttpServletRequest request) {
        String origin = ServletUriComponentsBuilder.fromContextPath(request).toUriString();
        String page = IndexPage.render(LiveCounts.of(registry), builtIn, request.getContextPath(), origin);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .body(page);
    }
}
