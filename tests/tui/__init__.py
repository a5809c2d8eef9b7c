"""The app driven by the pilot, and its SVG snapshots (__snapshots__, keyed by module)."""
