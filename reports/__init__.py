"""Documents made from stored clues: periodic reports (HTML, XLSX, charts), the Annex C evidence
record and the Annex D notice, exports and summaries."""
