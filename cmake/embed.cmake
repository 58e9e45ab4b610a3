# Turns a text file into a C source defining `const char NAME[]`.
# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
file(READ ${IN} HEX HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${HEX}")
file(WRITE ${OUT} "/* Generated from ${IN}; do not edit. */\n#include <stddef.h>\nconst char ${NAME}[] = {${BYTES} 0x00};\nconst size_t ${NAME}_len = sizeof(${NAME}) - 1;\n")
