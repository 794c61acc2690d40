"""Views of the planner workspace and the Träger area, one module per concept."""
