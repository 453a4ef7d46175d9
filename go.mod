module github.com/skyhop/skyhop

go 1.26
