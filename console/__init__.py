"""The web console and read API (`wangjian serve`): case officers review clues with their
evidence, monitoring staff run tasks and watch crawls, rule authors see how each rule does,
downstream systems read clues over HTTP.

It works on the crawler's own MongoDB (the store's connection path: MONGO_URI or the
embedded server) and reuses the store, workflow, documents and rules code; nothing but the
command line imports it."""
