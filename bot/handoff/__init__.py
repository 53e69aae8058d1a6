"""Live consultant handoff: the queue of conversations waiting for a person, claims, tickets."""
