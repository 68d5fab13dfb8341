"""The API of the gazetteer: places and their other spellings."""
