# Prints, as JSON, each post Jekyll reads in a site and the URL it gives it, without rendering anything
# (corpus sites lack the _includes their bodies name, so a full build would stop at the first).
# Usage: ruby site_urls.rb SOURCE [CONFIG ...]
require "jekyll"
require "json"
require "tmpdir"

options = { "source" => ARGV[0], "destination" => Dir.mktmpdir, "quiet" => true }
options["config"] = ARGV[1..] if ARGV.length > 1
site = Jekyll::Site.new(Jekyll.configuration(options))
site.reset
site.read
puts JSON.generate(site.posts.docs.map { |doc| { "path" => doc.relative_path, "url" => doc.url } })
