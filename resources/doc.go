// Package resources parses the resources: section of a task YAML, in
// SkyPilot's grammar, into a Spec: the candidates a job may run on.
package resources
