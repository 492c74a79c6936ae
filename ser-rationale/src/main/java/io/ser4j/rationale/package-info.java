/** ser-rationale: placeholder until its issue lands (see README status). */
package io.ser4j.rationale;
