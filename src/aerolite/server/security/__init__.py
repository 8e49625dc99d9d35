"""Access control and TLS for the node: users, roles, sessions, and the checks made before the engine."""
