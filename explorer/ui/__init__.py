"""Qt views. They read traces from the state and draw them; they never compute attention."""
