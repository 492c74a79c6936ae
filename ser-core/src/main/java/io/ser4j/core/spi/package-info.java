/** Service-provider interfaces: recognizers found through {@link java.util.ServiceLoader}. */
package io.ser4j.core.spi;
