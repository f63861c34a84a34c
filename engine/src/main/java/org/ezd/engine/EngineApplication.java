package org.ezd.engine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * ezd workflow engine: Operaton (Camunda 7 fork) with its REST API under /engine-rest.
 *
 * <p>No {@code @EnableProcessApplication} and no processes.xml: nothing is deployed from the
 * classpath; the Python adapter (workflow/operaton.py) deploys the BPMN files over REST.
 */
@SpringBootApplication
public class EngineApplication {

  public static void main(String[] args) {
    SpringApplication.run(EngineApplication.class, args);
  }
}
