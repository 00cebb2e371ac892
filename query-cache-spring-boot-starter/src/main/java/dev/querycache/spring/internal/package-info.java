/**
 * Helpers shared by the starter's own packages (web, actuator, cluster): endpoint generic types, entry rows,
 * tags as JSON. Not API: anything here may change in any release; applications must not use it.
 */
package dev.querycache.spring.internal;
