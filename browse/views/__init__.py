"""The pages employees read: one module per subject, each view short."""
