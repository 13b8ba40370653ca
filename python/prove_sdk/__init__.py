"""prove-sdk for Python. The generated part (models, enums, exceptions, method table) is in
``prove_sdk._generated``, printed from prove-core's metadata by tools/typegen; the shared model
behaviour is ``prove_sdk._model``.
"""
