"""Survey logic: XLSForm / ODK expressions for relevance, constraints and calculations."""
