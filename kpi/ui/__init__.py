"""Everything that imports streamlit: the widgets the pages lay out."""
