"""Item pipelines (normalise → evidence → detect → clues) and the MongoDB clue store."""
