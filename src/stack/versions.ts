/**
 * The server releases the local stack runs, pinned so every machine tests against the same bits.
 * docs/stack.md explains the choices (and why the registry is not the newest 3.x).
 */

/** Apache Kafka, KRaft only. kafkajs 2.2.4 is proven against it by test/integration/stack.test.ts. */
export const KAFKA_VERSION = '4.3.1';

/**
 * Apicurio Registry 3.0.x: its classes target Java 11, so it runs on the Java 17 this project's
 * machines have; 3.1+ (3.3.x) are compiled for Java 21 and fail with UnsupportedClassVersionError.
 */
export const APICURIO_VERSION = '3.0.9';

/** Kafka's pom leaves out the SLF4J binding its distribution ships; without it the broker logs nothing. */
export const LOG4J_VERSION = '2.25.4';

/** Pinned so cold starts do not depend on the Maven super-POM's (old) default plugin version. */
export const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/**
 * `dependency:get` of this old plugin release fetches one file without reading its POM; newer
 * releases read the POM and its parent, which Central lacks for apicurio-registry 3.0.x.
 */
export const MAVEN_GET_WITHOUT_DESCRIPTOR = 'org.apache.maven.plugins:maven-dependency-plugin:2.8';

/** Oldest Java both servers start on (Kafka 4 brokers need 17). */
export const MIN_JAVA_MAJOR = 17;
