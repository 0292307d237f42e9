"""ikzsurvey benchmark (`make bench`); see docs/performance.md."""
