module picklejar.invalid/kit

go 1.19
