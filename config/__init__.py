"""Settings, the codebook, the demo sites and the example surveys; installed as survey.config."""
