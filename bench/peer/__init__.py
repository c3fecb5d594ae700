"""django-import-export, set up as its users do, to compare validation speed with (bench only)."""
