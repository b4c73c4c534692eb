"""Letters: making, previewing, printing and reprinting them."""
