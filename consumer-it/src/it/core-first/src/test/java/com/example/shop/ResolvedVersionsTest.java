package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which okio and Kotlin jars Maven put on this project's classpath, read from the jars' locations in
 * the local repository ({@code .../com/squareup/okio/okio-jvm/3.18.1/okio-jvm-3.18.1.jar}).
 */
class ResolvedVersionsTest {

  @Test
  void okioIsTheVersionOkHttpNeeds() throws Exception {
    URL jar = okio.Okio.class.getProtectionDomain().getCodeSource().getLocation();
    assertEquals("okio-jvm-" + System.getProperty("expected.okio.version") + ".jar", fileName(jar));
    // The method OkHttp 5.5.1 calls and okio 3.7.0 lacks.
    assertNotNull(okio.Okio.class.getMethod("socket", Socket.class));
  }

  @Test
  void everyKotlinJarOnTheClasspathIsOneVersion() throws IOException {
    String expected = System.getProperty("expected.kotlin.version");
    List<String> kotlinJars = new ArrayList<>();
    for (URL manifest : Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
      String path = manifest.toString();
      if (path.contains("/org/jetbrains/kotlin/")) {
        kotlinJars.add(fileName(new URL(path.substring("jar:".length(), path.indexOf("!/")))));
      }
    }
    assertEquals(List.of("kotlin-stdlib-" + expected + ".jar"), kotlinJars);
  }

  private static String fileName(URL url) {
    String path = url.getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
