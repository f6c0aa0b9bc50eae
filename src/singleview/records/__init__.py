"""The node's own records: the people it holds, their involvements and its front-door contact.

Read it in this order: ``models`` (plain values), ``importer`` (parsing and validation of import
files, no database), ``storage`` (tables and the bulk writer), ``service`` (the public functions
other capabilities call), ``cli`` (the ``singleview records`` commands).
"""
