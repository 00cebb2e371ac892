package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the jar plugin packages (target/classes) carries the project's LICENSE and NOTICE in META-INF. */
class LicenseInJarTest {

    @Test
    void theJarCarriesLicenseAndNotice() {
        Path metaInf = Path.of("target", "classes", "META-INF");
        assertThat(metaInf.resolve("LICENSE")).content().contains("Apache License", "Version 2.0");
        assertThat(metaInf.resolve("NOTICE")).content().contains("query-cache");
    }
}
