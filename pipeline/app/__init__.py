"""Use cases that wire readers, steps and writers together; the CLI calls these."""
