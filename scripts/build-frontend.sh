#!/bin/sh
# Build the front end from the installed npm packages into build/static/:
# GOV.UK Frontend and MoJ Frontend compiled from Sass with our settings, their
# JavaScript bundles and their assets. Used by the Makefile and the Dockerfile.
set -eu
out=build/static
rm -rf "$out"
mkdir -p "$out/assets"
cp -R node_modules/govuk-frontend/dist/govuk/assets/. "$out/assets/"
cp -R node_modules/@ministryofjustice/frontend/moj/assets/. "$out/assets/"
# The bundles end with a sourceMappingURL to a map we do not ship; collectstatic's
# manifest storage refuses a reference it cannot resolve, so the comment is dropped.
sed '/^\/\/# sourceMappingURL=/d' node_modules/govuk-frontend/dist/govuk/all.bundle.js > "$out/govuk-frontend.js"
sed '/^\/\/# sourceMappingURL=/d' node_modules/@ministryofjustice/frontend/moj/all.bundle.js > "$out/moj-frontend.js"
node node_modules/sass/sass.js --quiet --no-source-map --style=compressed \
  --load-path=. frontend/app.scss "$out/app.css"
touch "$out/.built"
