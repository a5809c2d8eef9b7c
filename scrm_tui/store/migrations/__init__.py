"""The schema's forward migrations, a module per range of steps; schema.py assembles them."""
