# Read by the flask command in a checkout: a development setup. Deployments set VOCES_ENV=production.
VOCES_ENV=development
