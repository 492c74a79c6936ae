/**
 * Service-provider interfaces, found lazily through {@link java.util.ServiceLoader} with a name and
 * a rank: {@link io.ser4j.core.spi.RecognizerProvider} (models), {@link
 * io.ser4j.core.spi.AudioDecoder} (audio formats) and {@link io.ser4j.core.spi.TeacherProvider}
 * (rationale teachers). A lookup that finds nothing throws a typed exception listing what is
 * installed. The {@link io.ser4j.core.Ser} facade is built on these interfaces only.
 */
package io.ser4j.core.spi;
