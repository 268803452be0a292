"""Due transitions: the background scheduler and the Transitions tab."""
