"""Real processes: scrm as a person runs it, tmux terminals, several agents on one file, kills."""
