"""Gemini on Vertex AI as Klair's analyzer: one generateContent call per chunk of the proxy,
answers validated into candidates, tokens priced into the job's cost."""
