module picklejar.invalid/peers/stalecucumber

go 1.19

require (
	github.com/hydrogen18/stalecucumber v0.0.0
	picklejar.invalid/kit v0.0.0
)

replace (
	github.com/hydrogen18/stalecucumber => ./.deps/stalecucumber
	picklejar.invalid/kit => ../../kits/go
)
