"""What meets people: the Rasa bot's channels, NLU components and server wiring."""
