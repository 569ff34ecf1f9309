"""Qt only: the TV, kiosk and trainer faces. Rules live in domain/ and engine/."""
