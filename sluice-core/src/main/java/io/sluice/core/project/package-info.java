/**
 * The project model (records) and its strict loader, {@link io.sluice.core.project.ProjectLoader}:
 * a loaded {@link io.sluice.core.project.Project} is fully checked, and a project that cannot be
 * loaded fails with one {@link io.sluice.core.project.ProjectException} listing every problem.
 */
package io.sluice.core.project;
