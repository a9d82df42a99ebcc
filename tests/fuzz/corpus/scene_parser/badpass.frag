#pass X
#pass image extra
