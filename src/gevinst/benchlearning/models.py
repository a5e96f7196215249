"""Models of benchlearning live in their own modules and are imported here so Django finds them."""
