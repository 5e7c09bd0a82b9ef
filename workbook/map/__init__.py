"""The Mobility Action Plan as a document: assembled from the steps, rendered three ways."""
