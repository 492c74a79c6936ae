/** ser-model: placeholder until its issue lands (see README status). */
package io.ser4j.model;
