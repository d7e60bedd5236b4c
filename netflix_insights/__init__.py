"""The top layer: wires the command line, the refresh pipeline and serving.

Everything else is a library this package calls: etl and warehouse build the data,
queries/models/blend read it, dashapp shows it. Nothing imports this package."""
