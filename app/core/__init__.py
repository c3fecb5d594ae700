"""What every part stands on: settings (config, secret_files), the stable codes and the base
error, schemas shared by answers, logs, metrics, the staging key's sealing, spreadsheet cells,
helper processes and leases.

May import: nothing of app/ (only libraries). Must never import: any other package."""
