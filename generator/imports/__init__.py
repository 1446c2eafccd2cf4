"""`import`: bring articles from news sites and their feeds into content/articles/.

fetch.py speaks HTTP politely, extract.py turns pages and feeds into articles (trafilatura,
feedparser), records.py remembers what was imported and each feed's validators, write.py writes
the Markdown files, and run.py ties them together for the command.
"""
