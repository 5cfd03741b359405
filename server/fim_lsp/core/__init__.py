"""The core: documents, the cut, the cache, the engine and its streams, post-processing, provider health."""
